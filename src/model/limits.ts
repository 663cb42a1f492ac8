/** Limits that bound what a report may cost to read. Plain values; the config supplies them. */
export interface ParseLimits {
  /** Maximum decompressed report size in bytes. */
  maxBytes: number;
  /** Maximum element nesting depth in XML (or JSON). */
  maxDepth: number;
  /** Maximum length of one element or attribute name. */
  maxNameLength: number;
  /** Maximum number of attributes on one element. */
  maxAttributes: number;
  /** Maximum length of one attribute value. */
  maxAttributeLength: number;
  /** Text kept per message / stack / stdout / stderr; the rest is cut with a marker. */
  maxTextLength: number;
  /** Maximum number of test executions (attempts) in one report. */
  maxTestcases: number;
}

/** Defaults suited to real CI reports, generous but bounded. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxBytes: 100 * 1024 * 1024,
  maxDepth: 256,
  maxNameLength: 1024,
  maxAttributes: 256,
  maxAttributeLength: 1024 * 1024,
  maxTextLength: 64 * 1024,
  maxTestcases: 1_000_000,
};

/**
 * Characters of a test's name, suite or file that are stored. Longer ones (an attribute may hold 1 MiB) are
 * cut to this length, ending in "…"; the test's id is still the hash of the whole name, so two names that
 * differ past the cut stay two tests.
 */
export const MAX_STORED_NAME = 4096;
