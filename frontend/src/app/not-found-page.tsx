import { Link } from 'react-router';
import { PageHeader } from '@/components/page-header';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" description="There is nothing at this address." />
      <Link to="/analyst">Go to the events</Link>
    </>
  );
}
