// Types of required.cjs (strict mode, TFSLIM_REQUIRE).
export type Requirement = 'tf' | 'native' | 'chromium' | 'fixtures';

export declare const PARTS: Readonly<Record<Requirement, { what: string; how: string }>>;

export declare class MissingRequirementError extends Error {}

export declare function requiredParts(env?: NodeJS.ProcessEnv): Set<Requirement>;

export declare function unmet(
  part: Requirement,
  reason: string | null,
  env?: NodeJS.ProcessEnv,
): string | null;

export declare function chromiumPath(env?: NodeJS.ProcessEnv): string;

export declare function chromiumUnavailableReason(env?: NodeJS.ProcessEnv): string | null;
