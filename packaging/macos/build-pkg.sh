#!/bin/sh
# Builds a signed, notarized farmwatch-agent installer package on a Mac:
#   packaging/macos/build-pkg.sh <arm64|x64> "Developer ID Application: Org (TEAMID)" \
#                                "Developer ID Installer: Org (TEAMID)" <notarytool-keychain-profile>
# Needs Xcode command line tools, Node.js 20 of the target architecture, and the repository built
# (npm run build). Steps: single executable (scripts/build-agent.mjs) -> codesign with the
# hardened runtime and the JIT entitlements V8 needs -> pkgbuild -> productsign -> notarytool
# submit --wait -> stapler staple. See packaging/README.md.
set -eu
ARCH="$1"; APP_ID="$2"; INSTALLER_ID="$3"; PROFILE="$4"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=$(node -p "require('$ROOT/package.json').version")
OUT="$ROOT/build/packages"; STAGE="$ROOT/build/pkg-stage"
rm -rf "$STAGE"; mkdir -p "$OUT" "$STAGE/root/usr/local/farmwatch/bin" "$STAGE/root/Library/LaunchDaemons"

node "$ROOT/scripts/build-agent.mjs" --force
BIN="$ROOT/build/agent/farmwatch-agent-darwin-$ARCH"
cp "$BIN" "$STAGE/root/usr/local/farmwatch/bin/farmwatch-agent"
cp "$ROOT/packaging/macos/com.farmwatch.agent.plist" "$STAGE/root/Library/LaunchDaemons/"

# postject leaves node's signature broken: remove it, then sign with the hardened runtime.
codesign --remove-signature "$STAGE/root/usr/local/farmwatch/bin/farmwatch-agent"
codesign --sign "$APP_ID" --options runtime --timestamp \
  --entitlements "$ROOT/packaging/macos/entitlements.plist" \
  "$STAGE/root/usr/local/farmwatch/bin/farmwatch-agent"

pkgbuild --root "$STAGE/root" --scripts "$ROOT/packaging/macos/scripts" \
  --identifier com.farmwatch.agent --version "$VERSION" "$STAGE/farmwatch-agent-unsigned.pkg"
productsign --sign "$INSTALLER_ID" "$STAGE/farmwatch-agent-unsigned.pkg" "$OUT/farmwatch-agent-$VERSION-$ARCH.pkg"
xcrun notarytool submit "$OUT/farmwatch-agent-$VERSION-$ARCH.pkg" --keychain-profile "$PROFILE" --wait
xcrun stapler staple "$OUT/farmwatch-agent-$VERSION-$ARCH.pkg"
echo "built $OUT/farmwatch-agent-$VERSION-$ARCH.pkg"
