// Reads an iCalendar feed on standard input with ical.js and prints, as JSON, every event's
// fields and its start and end in UTC as ical.js computes them from the feed's VTIMEZONEs.
import ICAL from "ical.js";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;

const calendar = new ICAL.Component(ICAL.parse(input));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const utc = (time) => time.toJSDate().toISOString();
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    status: component.getFirstPropertyValue("status"),
    sequence: event.sequence,
    start: utc(event.startDate),
    end: utc(event.endDate),
    tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
  };
});
const properties = {};
for (const name of ["name", "x-wr-calname", "x-wr-caldesc", "description", "refresh-interval", "x-published-ttl"]) {
  const value = calendar.getFirstPropertyValue(name);
  properties[name] = value === null ? null : value.toString();
}
process.stdout.write(JSON.stringify({ properties, events }));
