// Routes of the calendar, report and role editors (kept out of App.tsx, which every editor touches).
import { useParams } from 'react-router-dom';
import { CalendarEditor } from '../calendar/CalendarEditor.js';
import { ReportEditor } from '../report/ReportEditor.js';

export { RolesEditor } from '../roles/RolesEditor.js';

export function CalendarRoute() {
  const { name = '' } = useParams();
  return <CalendarEditor key={name} name={name} />;
}

export function ReportRoute() {
  const { name = '' } = useParams();
  return <ReportEditor key={name} name={name} />;
}
