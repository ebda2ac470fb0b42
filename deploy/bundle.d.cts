import type { BuildOptions, Plugin } from "esbuild";

export function bundleOptions(options: { name: string; outfile: string; configFile?: string }): BuildOptions;
export function buildFunctions(
  outdir: string,
  options?: { configFile?: string; esbuild?: BuildOptions },
): Promise<Record<string, number>>;
export function configPlugin(configFile: string): Plugin;
export function lambdaCredentialsPlugin(): Plugin;
export function functionNames(): string[];
