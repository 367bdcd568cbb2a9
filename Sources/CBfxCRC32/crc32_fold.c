// CRC-32/IEEE by folding with carry-less multiplication (PCLMULQDQ), after Gopal et al.,
// "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction" (Intel, 2009),
// for the bit-reflected polynomial. Why by hand: no library bfxkit may use offers it (swift-crypto
// has no CRC; Debian 12's zlib 1.2.13 computes CRC-32 with tables), and the order-book checksum
// is the largest single cost of `bfxrun replay --check` and of the client's loop
// (docs/adr/0030-accelerated-book-checksum.md). The Swift table code in CRC32.swift stays the
// reference: the simulator uses it, and tests compare both on every length.
#include "bfx_crc32.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

int bfx_crc32_fold_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

// Constants of the reflected domain, x^n mod P(x) bit-reflected and shifted left by one:
// folding 512 bits (four lanes), folding 128 bits, the 64 → 32 bit step, and the Barrett pair
// (P(x) itself and the quotient mu = x^64 / P(x)).
#define FOLD4_LO 0x0154442bd4ULL   // x^(4*128+32) mod P
#define FOLD4_HI 0x01c6e41596ULL   // x^(4*128-32) mod P
#define FOLD1_LO 0x01751997d0ULL   // x^(128+32) mod P
#define FOLD1_HI 0x00ccaa009eULL   // x^(128-32) mod P
#define FOLD64   0x0163cd6124ULL   // x^64 mod P
#define POLY     0x01db710641ULL   // P(x)
#define MU       0x01f7011641ULL   // floor(x^64 / P(x))

// a·k where k holds (lo, hi): the low half of a times lo, the high half times hi, summed.
__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i a, __m128i k) {
    return _mm_xor_si128(_mm_clmulepi64_si128(a, k, 0x00), _mm_clmulepi64_si128(a, k, 0x11));
}

__attribute__((target("pclmul,sse4.1")))
uint32_t bfx_crc32_fold(uint32_t crc, const unsigned char *p, size_t n) {
    __m128i a = _mm_xor_si128(_mm_loadu_si128((const __m128i *)p), _mm_cvtsi32_si128((int)crc));
    __m128i b = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i c = _mm_loadu_si128((const __m128i *)(p + 32));
    __m128i d = _mm_loadu_si128((const __m128i *)(p + 48));
    p += 64;
    n -= 64;
    // Four independent lanes, 64 bytes per round.
    const __m128i k4 = _mm_set_epi64x((long long)FOLD4_HI, (long long)FOLD4_LO);
    while (n >= 64) {
        a = _mm_xor_si128(fold(a, k4), _mm_loadu_si128((const __m128i *)p));
        b = _mm_xor_si128(fold(b, k4), _mm_loadu_si128((const __m128i *)(p + 16)));
        c = _mm_xor_si128(fold(c, k4), _mm_loadu_si128((const __m128i *)(p + 32)));
        d = _mm_xor_si128(fold(d, k4), _mm_loadu_si128((const __m128i *)(p + 48)));
        p += 64;
        n -= 64;
    }
    // The lanes into one, then the remaining 16-byte blocks.
    const __m128i k1 = _mm_set_epi64x((long long)FOLD1_HI, (long long)FOLD1_LO);
    a = _mm_xor_si128(fold(a, k1), b);
    a = _mm_xor_si128(fold(a, k1), c);
    a = _mm_xor_si128(fold(a, k1), d);
    while (n >= 16) {
        a = _mm_xor_si128(fold(a, k1), _mm_loadu_si128((const __m128i *)p));
        p += 16;
        n -= 16;
    }
    // 128 → 64 bits (appending the 32 zero bits of the CRC), then 64 → 32.
    const __m128i mask32 = _mm_setr_epi32(-1, 0, -1, 0);
    a = _mm_xor_si128(_mm_srli_si128(a, 8), _mm_clmulepi64_si128(a, k1, 0x10));
    const __m128i k64 = _mm_set_epi64x(0, (long long)FOLD64);
    a = _mm_xor_si128(_mm_srli_si128(a, 4), _mm_clmulepi64_si128(_mm_and_si128(a, mask32), k64, 0x00));
    // Barrett reduction to 32 bits.
    const __m128i barrett = _mm_set_epi64x((long long)MU, (long long)POLY);
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(a, mask32), barrett, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), barrett, 0x00);
    a = _mm_xor_si128(a, t);
    return (uint32_t)_mm_extract_epi32(a, 1);
}

#else

int bfx_crc32_fold_available(void) { return 0; }

uint32_t bfx_crc32_fold(uint32_t crc, const unsigned char *p, size_t n) {
    (void)p;
    (void)n;
    return crc;
}

#endif
