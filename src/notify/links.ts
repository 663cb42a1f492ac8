/** Links back to the UI from messages; none when `publicUrl` is not configured. */

/** The UI page of a project, or of one of its tests. */
export function uiLink(publicUrl: string | undefined, projectSlug: string, testId?: string): string | undefined {
  if (!publicUrl) return undefined;
  const base = `${publicUrl.replace(/\/+$/, "")}/projects/${encodeURIComponent(projectSlug)}`;
  return testId ? `${base}/tests/${encodeURIComponent(testId)}` : base;
}

/** The UI page of one of a project's clusters. */
export function clusterLink(publicUrl: string | undefined, projectSlug: string, clusterId: string): string | undefined {
  const base = uiLink(publicUrl, projectSlug);
  return base && `${base}/clusters/${encodeURIComponent(clusterId)}`;
}
