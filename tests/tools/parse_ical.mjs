// Parses iCalendar files with ical.js (Mozilla's parser, used by Thunderbird) and prints
// what it read as JSON, one object per file: a second, independent parser for the tests.
//   node tests/tools/parse_ical.mjs FILE...
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function read(path) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  // Times are resolved through the VTIMEZONEs the file itself carries.
  const timezones = calendar.getAllSubcomponents("vtimezone").map((component) => {
    const zone = new ICAL.Timezone(component);
    ICAL.TimezoneService.register(zone, zone.tzid);
    return zone.tzid;
  });
  const moment = (time) =>
    time && {
      date: time.isDate,
      local: time.toString(),
      utc: time.isDate ? null : time.toJSDate().toISOString(),
      tzid: time.zone ? time.zone.tzid : null,
    };
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      sequence: event.sequence,
      summary: event.summary,
      status: component.getFirstPropertyValue("status"),
      location: event.location,
      description: event.description,
      start: moment(event.startDate),
      end: moment(event.endDate),
      stamp: component.getFirstPropertyValue("dtstamp")?.toString() ?? null,
      organizer: event.organizer,
      attendees: event.attendees.map((attendee) => attendee.getFirstValue()),
    };
  });
  return {
    method: calendar.getFirstPropertyValue("method"),
    name: calendar.getFirstPropertyValue("name"),
    description: calendar.getFirstPropertyValue("x-wr-caldesc"),
    refresh: calendar.getFirstProperty("refresh-interval")?.type ?? null,
    components: calendar.getAllSubcomponents().length,
    timezones,
    events,
  };
}

const results = [];
for (const path of process.argv.slice(2)) {
  try {
    results.push({ path, ...read(path) });
  } catch (error) {
    results.push({ path, error: String(error) });
  }
}
process.stdout.write(JSON.stringify(results));
