/** The command line's bundle cache (cliBuild.js). */
export const CACHE: string;
/** A digest of every source the bundle is made of. */
export function sourcesKey(): string;
/** The bundle for the sources as they are, built when missing; null where it cannot be built. */
export function cliBundle(options?: { onBuild?: () => void }): Promise<string | null>;
/** The command line's main(), from the bundle or through tsx. */
export function loadMain(options?: { onBuild?: () => void }): Promise<(argv: string[]) => Promise<number>>;
