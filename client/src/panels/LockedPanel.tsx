/** The page a visitor without the right session sees: what the page is, why it is closed, and the way in. */
export function LockedPanel(props: { title: string; message: string; next: string; login: string; testId: string }) {
  return (
    <div className="insights insights--locked" data-testid={props.testId}>
      <div className="insights__locked">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <a className="btn btn--primary" href={`/login?next=${props.next}`}>
          {props.login}
        </a>
      </div>
    </div>
  );
}
