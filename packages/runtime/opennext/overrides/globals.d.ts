// The globals OpenNext sets inside its bundles that our overrides read. Declared here because
// OpenNext's own global.d.ts does not resolve under NodeNext module resolution.
declare global {
  var monorepoPackagePath: string | undefined;
  var openNextConfig: { dangerous?: { disableTagCache?: boolean } } | undefined;
}

export {};
