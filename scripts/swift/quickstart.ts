// The seed page's Swift quickstart as a program: the ```swift block of the generated OpenRouter
// page (docs/integrations/openrouter.md, held to the seed by packages/integrations/test/docs.test.ts),
// pasted as main.swift into a package that depends on sdks/swift by path.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeIfChanged, type SwiftToolchain } from "./toolchain.ts";

/** The Swift quickstart exactly as the docs page prints it. */
export function swiftQuickstart(repoRoot: string): string {
  const page = readFileSync(join(repoRoot, "docs/integrations/openrouter.md"), "utf8");
  const block = /^```swift\n([\s\S]*?)^```$/m.exec(page)?.[1];
  if (!block) throw new Error("docs/integrations/openrouter.md has no ```swift block");
  return block;
}

/**
 * Writes the quickstart package next to the SDK's build folder (so it is never in the repository)
 * and returns its directory as the toolchain sees it. Unchanged files are left alone, so a warm
 * build is incremental.
 */
export function writeQuickstartPackage(toolchain: SwiftToolchain, sdkDir: string, main: string): string {
  const dir = join(sdkDir, ".build", "vendo-quickstart");
  writeIfChanged(join(toolchain.hostPath(dir), "Package.swift"), manifest(sdkDir));
  writeIfChanged(join(toolchain.hostPath(dir), "Sources", "Quickstart", "main.swift"), main);
  return dir;
}

function manifest(sdkDir: string): string {
  return [
    "// swift-tools-version:5.9",
    "// Written by scripts/swift/quickstart.ts: the seed page's Swift quickstart, as a program.",
    "import PackageDescription",
    "",
    "let package = Package(",
    '    name: "VendoQuickstart",',
    "    platforms: [.macOS(.v12)],",
    `    dependencies: [.package(path: ${JSON.stringify(sdkDir)})],`,
    '    targets: [.executableTarget(name: "Quickstart", dependencies: [.product(name: "VendoSDK", package: "swift")])]',
    ")",
    "",
  ].join("\n");
}
