// The frame of every signed-in page: who is signed in, the navigation for that role (and for the
// tenant being looked at), sign-out, and a skip link to the content.
import type { ComponentChildren, JSX } from "preact";
import { Link, match } from "../router.js";
import { homeOf, type Session } from "../session.js";

export function Layout(props: { session: Session; path: string; onSignOut(): void; children: ComponentChildren }): JSX.Element {
  const { session, path } = props;
  const tenant = /^\/dashboard\/t\/([^/]+)/.exec(path)?.[1];
  const tenantLinks = tenant
    ? [
        ["", "Overview"],
        ["/keys", "Keys"],
        ["/calls", "Calls"],
        ["/deployments", "Deployments"],
        ["/credits", "Credits"],
      ].map(([sub, label]) => ({ href: `/dashboard/t/${tenant}${sub}`, label: label as string }))
    : [];
  const operatorLinks =
    session.kind === "operator"
      ? [
          { href: "/dashboard/operator", label: "Tenants & margin" },
          { href: "/dashboard/operator/pool", label: "Pool" },
          { href: "/dashboard/operator/holds", label: "Open holds" },
          { href: "/dashboard/operator/instances", label: "Instances" },
        ]
      : [];
  const isCurrent = (href: string) => path.replace(/\/+$/, "") === href || (href.endsWith("/calls") && match(`${href}/:id`, path) !== null);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link class="brand" href={homeOf(session)}>
          Vendo
        </Link>
        <span class="who" data-testid="who">
          {session.kind === "operator" ? "Operator" : `Tenant ${session.tenant_name ?? session.tenant_id}`}
        </span>
        <button type="button" class="secondary" onClick={props.onSignOut}>
          Sign out
        </button>
      </header>
      {operatorLinks.length > 0 && (
        <nav aria-label="Operator" class="nav">
          {operatorLinks.map((l) => (
            <Link key={l.href} href={l.href} current={isCurrent(l.href)}>
              {l.label}
            </Link>
          ))}
        </nav>
      )}
      {tenantLinks.length > 0 && (
        <nav aria-label="Tenant" class="nav">
          {tenantLinks.map((l) => (
            <Link key={l.href} href={l.href} current={isCurrent(l.href)}>
              {l.label}
            </Link>
          ))}
        </nav>
      )}
      <main id="main">{props.children}</main>
    </>
  );
}
