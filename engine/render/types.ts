// Owns: the public shapes of the render layer (what renderChart takes and returns), per docs/CONTRACTS.md.
// Must not: contain logic.

export interface RenderContext {
  release: {
    name: string;
    namespace: string;
    revision: number;
    isInstall: boolean;
    isUpgrade: boolean;
    service: 'kfchart';
  };
  capabilities: {
    kubeVersion: { version: string; major: string; minor: string };
    apiVersions: string[];
  };
  /** Values made by genSecret/genSelfSignedCert in the previous revision (key → value). */
  persisted?: Record<string, string>;
}

export interface RenderedFile {
  /** `<chartPath>/<template path>`, e.g. `kubeflow/charts/dex/templates/deployment.yaml`. */
  template: string;
  text: string;
}

export interface RenderResult {
  /** Parent chart's templates (sorted by path) first, then each enabled subchart's, depth first. */
  files: RenderedFile[];
  /** The top chart's rendered templates/NOTES.txt ('' when it has none). */
  notes: string;
  /** Every genSecret/genSelfSignedCert value used by this render (reused or new). */
  persisted: Record<string, string>;
}
