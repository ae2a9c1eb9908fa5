/**
 * Fatal errors: the few problems that stop a build, each with a stable name, a
 * title, a message saying what happened, and a hint saying what to do (after
 * Astro's error catalogue). Content problems are never fatal: they are messages.
 */

/** A build-stopping error with a stable name and a hint. */
export class DigestError extends Error {
  override readonly name: string
  readonly title: string
  readonly hint: string

  constructor(name: string, title: string, message: string, hint: string) {
    super(message)
    this.name = name
    this.title = title
    this.hint = hint
  }
}

/** The catalogue. */
export const DigestErrors = {
  contentFolderMissing: (folder: string) =>
    new DigestError('ContentFolderMissing', 'Content folder not found', `research-digest: the content folder ${folder} does not exist or is not a folder.`, 'Create it and put newsletter files in it, or point --content at the folder that holds them.'),
  templatesMissing: (folder: string, template: string) =>
    new DigestError('TemplatesMissing', 'Template not found', `research-digest: the template "${template}" was not found in ${folder}.`, 'Point templatesDir (digest.config.json) at a folder with layouts/, partials/ and pages/, or restore the templates/ folder of this project.'),
  contentChangedDuringBuild: (file: string) =>
    new DigestError(
      'ContentChangedDuringBuild',
      'Content file changed during the build',
      `research-digest: ${file} changed (or went away) while the site was being built: a review's text read from it again no longer matches what was read at the start.`,
      'Build again once the file is saved (`digest dev` does so by itself on the next change).',
    ),
} as const
