#ifndef BFX_CRC32_H
#define BFX_CRC32_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU can run bfx_crc32_fold (x86-64 with PCLMULQDQ and SSE4.1), else 0.
int bfx_crc32_fold_available(void);

/// Feeds `length` bytes into a running CRC-32/IEEE register (reflected polynomial 0xEDB88320;
/// the register as before the final XOR) by carry-less multiplication and returns it.
/// Requires bfx_crc32_fold_available(), length >= 64 and length a multiple of 16.
uint32_t bfx_crc32_fold(uint32_t crc, const unsigned char *bytes, size_t length);

#endif
