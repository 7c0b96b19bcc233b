import { AppError } from './app-error.ts';

/**
 * An export file cannot be imported as it stands (damaged, cut short, from a newer scrubwatch). Nothing of it was
 * stored: an import is one transaction. `line` is 1-based, 0 when the problem is not one line's.
 */
export class ExportFileError extends AppError<'export_file_invalid'> {
  readonly line: number;

  constructor(line: number, problem: string) {
    super('export_file_invalid', `${line > 0 ? `line ${line} of the export: ` : ''}${problem}; nothing was imported`, { fault: 'input' });
    this.line = line;
  }
}
