// The entries of a package's exports map, as users import them: '.' is the package's name,
// './slim' is '<name>/slim'. Blocked paths (null) and package.json are not entries.

/** `[{ specifier, subpath, types }]` for a package.json (`types`: the ESM declaration file). */
export function packageEntries(pkg) {
  return Object.entries(pkg.exports)
    .filter(([subpath, target]) => target !== null && !subpath.endsWith('.json'))
    .map(([subpath, target]) => ({
      specifier: subpath === '.' ? pkg.name : `${pkg.name}${subpath.slice(1)}`,
      subpath,
      types: target.import?.types,
    }));
}
