#!/usr/bin/env bash
# Regenerates Sources/GraftTensorBoard/tensorboard_event.pb.swift from Protos/tensorboard_event.proto (the
# subset of TensorBoard's event format Graft writes). The build does not run this: the generated file is
# committed, and the build needs only the SwiftProtobuf library.
#
# Needs protoc (Debian: apt-get install protobuf-compiler) and swift-protobuf's protoc-gen-swift plugin of
# the version Package.swift names: PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift, or one on PATH, or else it
# is built here from the checkout `swift build` made (.build/checkouts/swift-protobuf; a first build of
# the plugin takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
plugin=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}
if [ -z "$plugin" ]; then
  checkout=.build/checkouts/swift-protobuf
  [ -d "$checkout" ] || swift package resolve
  swift build -c release --package-path "$checkout" --product protoc-gen-swift
  plugin=$checkout/.build/release/protoc-gen-swift
fi
# Internal visibility: the generated types stay inside GraftTensorBoard, which offers its own API.
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Internal --swift_out=Sources/GraftTensorBoard \
  -I Protos Protos/tensorboard_event.proto
echo "wrote Sources/GraftTensorBoard/tensorboard_event.pb.swift"
