#!/usr/bin/env bash
# Coverage-guided fuzzing of the BfxProtocol decoder with libFuzzer + AddressSanitizer.
# Compiles the module sources directly with swiftc (no SwiftPM, no swift-crypto: the one
# Crypto-using file is replaced by a stub), seeds from the test corpus, runs for $1 seconds.
# Usage: Benchmarks/Fuzz/run-libfuzzer.sh [seconds=240] [workdir=/tmp/bfx-libfuzzer]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-240}
work=${2:-/tmp/bfx-libfuzzer}
mkdir -p "$work/corpus"
cp "$here/SignatureStub.swift.txt" "$work/stub.swift"
cp "$here/FrameFuzzTarget.swift.txt" "$work/main.swift"
srcs=$(ls "$root"/Sources/BfxProtocol/*.swift | grep -v BfxSignature.swift)
swiftc -parse-as-library -module-name BfxProtocol -sanitize=fuzzer,address -O -swift-version 6 \
  $srcs "$work/stub.swift" "$work/main.swift" -o "$work/fuzzer"
printf '%s' '[17,[9000,2,1.5],42]' > "$work/corpus/book.json"
printf '%s' '[0,"n",[1611922089,"on-req",null,null,[1,0,788,"tBTCUSD",1,1,0.001,0.001,"EXCHANGE LIMIT"],null,"SUCCESS","x"]]' > "$work/corpus/n.json"
printf '%s' '{"event":"subscribed","channel":"book","chanId":23,"symbol":"tBTCUSD","prec":"P0","len":"25","subId":"x"}' > "$work/corpus/sub.json"
"$work/fuzzer" -max_total_time="$secs" -print_final_stats=1 -max_len=512 "$work/corpus"
