#ifndef BFXKIT_CEDITLINE_SHIM_H
#define BFXKIT_CEDITLINE_SHIM_H
#include <stdio.h>
#include <histedit.h>
#include <editline/readline.h>

/* Accessors for libedit's readline-compatibility globals. Swift 6 strict concurrency rejects
 * direct use of mutable C globals; these functions are only called from the console's single
 * libedit thread (see docs/adr/0012-libedit-binding.md). */

static inline void bfx_el_configure(const char *name, const char *word_breaks, rl_completion_func_t *attempted) {
    rl_readline_name = name;
    rl_basic_word_break_characters = word_breaks;
    rl_completer_word_break_characters = (char *)word_breaks;
    rl_attempted_completion_function = attempted;
}

/* Must be called before the first libedit call: `rl_initialize` installs the input function only
 * if it is set at that moment. */
static inline void bfx_el_set_getc(int (*getc_function)(FILE *)) {
    rl_getc_function = getc_function;
}

static inline const char *bfx_el_line_buffer(void) {
    return rl_line_buffer;
}

static inline void bfx_el_set_completion_over(int over) {
    rl_attempted_completion_over = over;
}

#endif
