/**
 * Progress of long work (imports, exports), reported by the domain and drawn by the CLI on a terminal: a stage
 * begins with its total, then advances by `n`.
 */
export interface StageProgress {
  stage(label: string, total: number): void;
  advance(n: number): void;
}
