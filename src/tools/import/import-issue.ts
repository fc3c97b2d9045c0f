/**
 * One reason an import file is refused. `position` names where: a record
 * (`connections[12]`), the document itself (`document`), or a place in the text
 * (`line 3, column 17`, `byte offset 1024`).
 */
export interface ImportIssue {
  position: string;
  message: string;
}

export function formatIssue(issue: ImportIssue): string {
  return `${issue.position}: ${issue.message}`;
}
