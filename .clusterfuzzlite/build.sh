#!/bin/bash -eu
# ClusterFuzzLite builds exactly as OSS-Fuzz does.
exec bash "$SRC/harness/fuzz/oss-fuzz/build.sh"
