// A view's heading: sets the document title and moves focus to the heading when the view opens, so
// keyboard and screen-reader users land on the new content.
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";

export function Page(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Vendo`;
    heading.current?.focus();
  }, [props.title]);
  return (
    <section>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {props.title}
        </h1>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}
