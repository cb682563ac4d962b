import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { SignIn } from './components/sign-in.js';
import { SessionProvider } from './lib/session.js';
import { CatalogPage } from './pages/catalog-page.js';
import { ConnectorPage } from './pages/connector-page.js';
import { ReviewPage } from './pages/review-page.js';

function NotFound() {
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        <a href="/ui">Back to the catalog</a>
      </p>
    </>
  );
}

function Nav() {
  const { path } = useLocation();
  const current = (href: string) =>
    (href === '/ui' ? path === '/ui' || path === '/ui/' : path.startsWith(href))
      ? 'page'
      : undefined;
  return (
    <nav aria-label="Main">
      <a href="/ui" aria-current={current('/ui')}>
        Catalog
      </a>
      <a href="/ui/review" aria-current={current('/ui/review')}>
        Review queue
      </a>
    </nav>
  );
}

/** After a navigation inside the page, focus goes to the new page's heading (screen readers). */
function focusHeading() {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
}

export function App() {
  return (
    <LocationProvider scope="/ui">
      <SessionProvider>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <a class="brand" href="/ui">
            Connector lifecycle
          </a>
          <Nav />
          <SignIn />
        </header>
        <main id="main" tabIndex={-1}>
          <Router onRouteChange={focusHeading}>
            <Route path="/ui" component={CatalogPage} />
            <Route path="/ui/" component={CatalogPage} />
            <Route path="/ui/review" component={ReviewPage} />
            <Route path="/ui/connectors/:id" component={ConnectorPage} />
            <Route default component={NotFound} />
          </Router>
        </main>
        <footer class="site-footer">
          <a href="/docs">API reference</a>
        </footer>
      </SessionProvider>
    </LocationProvider>
  );
}
