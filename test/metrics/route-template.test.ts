// The route label is made from where a router is mounted and the route's own path. The
// webhooks' templates are kept once made; a template whose mount point holds a value (a
// clinic's id) is made each time. Either way the label is the template, never the value.
import { KEPT_TEMPLATES, keptTemplate, routeTemplate } from '../../src/metrics/http.js';

describe('Route templates', () => {
  it('names the values in a mount point by their parameters, and keeps a mount point’s own words in one case', () => {
    expect(routeTemplate('/api/clinics/c-1', { clinicId: 'c-1' }, '/queue')).toBe('/api/clinics/:clinicId/queue');
    expect(routeTemplate('/API/Clinics/c-1', { clinicId: 'c-1' }, '/')).toBe('/api/clinics/:clinicId');
    expect(routeTemplate('/twilio', {}, '/voice')).toBe('/twilio/voice');
    expect(routeTemplate('/files/2026', {}, '/x')).toBe('/files/:param/x');
  });

  it('a kept template is the template, however often and in whatever case it is asked for', () => {
    for (let i = 0; i < 3; i++) expect(keptTemplate('/twilio', {}, '/voice')).toBe('/twilio/voice');
    expect(keptTemplate('/TWILIO', {}, '/voice')).toBe('/twilio/voice');
    expect(keptTemplate('/twilio', undefined, '/status')).toBe('/twilio/status');
    expect(keptTemplate('/simulator', {}, '/voice')).toBe('/simulator/voice');
    expect(keptTemplate('', {}, '/health')).toBe('/health');
  });

  it('a mount point holding a value gives each clinic the same template, not the first clinic’s', () => {
    expect(keptTemplate('/api/clinics/first', { clinicId: 'first' }, '/calls')).toBe('/api/clinics/:clinicId/calls');
    expect(keptTemplate('/api/clinics/second', { clinicId: 'second' }, '/calls')).toBe('/api/clinics/:clinicId/calls');
    // A parameter of the route's own path is in params too, and the base then holds no value of it.
    expect(keptTemplate('/api', { id: 'x' }, '/calls/:id')).toBe('/api/calls/:id');
    expect(keptTemplate('/api/x', { id: 'x' }, '/:id')).toBe('/api/:id/:id');
  });

  it('past the number kept, a client’s endless spellings of a mount point still give its template', () => {
    const spellings = Array.from({ length: KEPT_TEMPLATES + 200 }, (_, n) =>
      [...'twiliotwilio'].map((letter, i) => ((n >> i) & 1 ? letter.toUpperCase() : letter)).join(''),
    );
    for (const spelling of spellings) expect(keptTemplate(`/${spelling}`, {}, '/voice')).toBe('/twiliotwilio/voice');
    expect(keptTemplate('/twilio', {}, '/voice')).toBe('/twilio/voice');
  });

  it('a RegExp route is written as one', () => {
    expect(keptTemplate('/twilio', {}, /^\/a$/)).toBe('/twilio/^\\/a$/');
  });
});
