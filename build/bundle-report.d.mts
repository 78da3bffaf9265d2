/** Types of bundle-report.mjs (a plain .mjs so rollup's config can load it without a TypeScript step). */
export declare const SCRIPT_TAG_BUDGET_GZIP_BYTES: number;
export declare const WALLET_MODULE_BUDGET_GZIP_BYTES: number;
export declare function integrityOf(bytes: Uint8Array): string;
export declare function bundleReport(options?: { budget?: number }): { name: string };
