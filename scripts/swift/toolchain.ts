// Which Swift toolchain runs the Swift SDK's suite: `swift` on PATH, else the Debian root that
// scripts/swift-toolchain.sh makes (Debian host, root user). In that root everything runs through
// chroot, on a copy of the files kept at the same absolute path as in the repository (so paths in
// messages match), with SwiftPM's build folder beside the copy: out of the repository, and warm
// builds stay incremental.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The default of scripts/swift-toolchain.sh; VENDO_SWIFT_ROOT overrides both. */
export const DEFAULT_SWIFT_ROOT = "/var/cache/vendo-swift/trixie";
/** Where Debian's swiftlang puts the toolchain, inside the root. */
const ROOT_SWIFT_BIN = "/usr/libexec/swift/bin";
/** Written by scripts/swift-toolchain.sh once the root is complete. */
const READY_MARKER = ".vendo-swift-ready";

export interface SwiftToolchain {
  /** For the log: "swift on PATH: Swift version …" or "Debian root /var/…: Swift version …". */
  description: string;
  /** Brings the build location up to date with the repository (a no-op for `swift` on PATH). */
  prepare(repoRoot: string, paths: readonly string[]): void;
  /** How to run `swift <args>` with `env` added to a bare environment. */
  swift(args: readonly string[], env: Readonly<Record<string, string>>): Command;
  /**
   * argv running a program the toolchain built (by its path as the toolchain sees it), environment
   * inherited; `wrapper` (e.g. `/usr/bin/env -u VAR`) runs in the toolchain's file system around it.
   */
  program(path: string, wrapper?: readonly string[]): string[];
  /** Where the host sees a path of the toolchain's file system (itself, or under the root). */
  hostPath(path: string): string;
}

export interface Command {
  argv: string[];
  env: NodeJS.ProcessEnv;
}

export type ToolchainLookup = { found: SwiftToolchain } | { missing: string };

export function findSwiftToolchain(env: NodeJS.ProcessEnv = process.env): ToolchainLookup {
  const onPath = spawnSync("swift", ["--version"], { encoding: "utf8" });
  if (!onPath.error && onPath.status === 0) return { found: nativeToolchain(firstLine(onPath.stdout || onPath.stderr)) };

  const root = env.VENDO_SWIFT_ROOT || DEFAULT_SWIFT_ROOT;
  const setUp = "run `sudo scripts/swift-toolchain.sh` (Debian), or install Swift from swift.org and put `swift` on PATH";
  if (!existsSync("/etc/debian_version")) return { missing: `no \`swift\` on PATH and not a Debian host: install Swift and put \`swift\` on PATH` };
  if (process.getuid?.() !== 0) return { missing: `no \`swift\` on PATH, and the Debian root at ${root} needs root (chroot): ${setUp}` };
  if (!existsSync(join(root, READY_MARKER))) return { missing: `no \`swift\` on PATH and no Swift toolchain at ${root}: ${setUp}` };
  return { found: debianRootToolchain(root, readFileSync(join(root, READY_MARKER), "utf8").trim()) };
}

function nativeToolchain(version: string): SwiftToolchain {
  return {
    description: `swift on PATH: ${version}`,
    prepare: () => {},
    swift: (args, env) => ({ argv: ["swift", ...args], env: { ...hostEssentials(), ...env } }),
    program: (path, wrapper = []) => [...wrapper, path],
    hostPath: (path) => path,
  };
}

function debianRootToolchain(root: string, version: string): SwiftToolchain {
  return {
    description: `Debian root ${root}: ${version}`,
    prepare(repoRoot, paths) {
      mountProc(root);
      for (const path of paths) syncInto(join(repoRoot, path), join(root, repoRoot, path));
    },
    swift: (args, env) => ({
      argv: [
        "chroot",
        root,
        "/usr/bin/env",
        "-i",
        `PATH=${ROOT_SWIFT_BIN}:/usr/bin:/bin`,
        "HOME=/root",
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        `${ROOT_SWIFT_BIN}/swift`,
        ...args,
      ],
      env: { PATH: process.env.PATH },
    }),
    program: (path, wrapper = []) => ["chroot", root, ...wrapper, path],
    hostPath: (path) => join(root, path),
  };
}

/** SwiftPM needs /proc in the root. Mounted once and left mounted (scripts/swift-toolchain.sh --remove unmounts it). */
function mountProc(root: string): void {
  const target = join(root, "proc");
  const mounted = readFileSync("/proc/self/mounts", "utf8").split("\n").some((line) => line.split(" ")[1] === target);
  if (mounted) return;
  const mount = spawnSync("mount", ["-t", "proc", "proc", target], { encoding: "utf8" });
  if (mount.status !== 0) throw new Error(`mount -t proc proc ${target} failed: ${mount.stderr || mount.error?.message}`);
}

/** Directories SwiftPM writes into a package; never copied, never deleted from the copy. */
const SWIFTPM_STATE = new Set([".build", ".swiftpm"]);

/**
 * Makes `to` hold exactly the files of `from` (a file or a directory), writing only the files whose
 * content differs so that SwiftPM sees unchanged files as unchanged.
 */
export function syncInto(from: string, to: string): void {
  if (statSync(from).isFile()) return writeIfChanged(to, readFileSync(from));
  mkdirSync(to, { recursive: true });
  const names = new Set(readdirSync(from).filter((n) => !SWIFTPM_STATE.has(n)));
  for (const name of readdirSync(to)) {
    if (!names.has(name) && !SWIFTPM_STATE.has(name)) rmSync(join(to, name), { recursive: true, force: true });
  }
  for (const name of names) {
    const source = join(from, name);
    const target = join(to, name);
    if (statSync(source).isDirectory() !== (existsSync(target) && statSync(target).isDirectory())) rmSync(target, { recursive: true, force: true });
    syncInto(source, target);
  }
}

/** Writes `content` to `path` unless it already holds exactly that (keeping its mtime for SwiftPM). */
export function writeIfChanged(path: string, content: string | Buffer): void {
  const bytes = typeof content === "string" ? Buffer.from(content) : content;
  if (existsSync(path) && readFileSync(path).equals(bytes)) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "unknown version";
}

/** What `swift` on PATH needs from the host (PATH, HOME, an Xcode selection), without VENDO_* or OPENROUTER_* vars. */
function hostEssentials(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VENDO|OPENROUTER)_/.test(name)));
}
