// GraphiQL for this API, from the service's own files only (no CDN): it works without internet.
// Preloaded: the README's login with a demo account, and the Authorization header to fill in.
"use strict";

const LOGIN = `# Sign in with a demo account (README.md, password demo-password-2026): press the run
# button or Ctrl-Enter. Then copy session.token into the Headers tab below, replacing <token>,
# and every further request acts as that user.
mutation {
  login(input: {email: "buyer@peeters-bouw.be", password: "demo-password-2026"}) {
    session { token expiresAt }
    viewer { user { firstName } company { name customerNumber } permissions }
    userErrors { code message field }
  }
}
`;
const HEADERS = `{"Authorization": "Bearer <token>"}`;

const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });

ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: LOGIN,
    defaultHeaders: HEADERS,
    defaultEditorToolsVisibility: "headers",
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    inputValueDeprecation: true,
    plugins: [GraphiQLPluginExplorer.explorerPlugin()],
  }),
);
