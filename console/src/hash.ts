/** The console's state in the URL's hash (`#page=install`, `#invite=…`), as search parameters. */
export const currentHash = () => new URLSearchParams(location.hash.slice(1));
