#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader: no build step between a checkout and `vendo dev`.
import { register } from "tsx/esm/api";
register();
await import("../src/cli/main.ts");
