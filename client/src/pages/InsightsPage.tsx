export function InsightsPage() {
  return <div className="page" />;
}
