/**
 * Length limits on strings are counted in UTF-16 code units, as firestore.rules' `size()` counts them (proven on
 * the emulator: test/rules/firestore.rules.emulator.test.ts, notes of 250 / 300 emoji) and as the engine's fast path and
 * the import's truncation do. zod's own `.max()` counts code points; before stringOfAtMost the schema accepted a
 * note of 300 emoji that the rules then refused on every later edit of the segment from the app.
 */
import { IdentifiedSegmentSchema, SEGMENT_LIMITS, quickSegmentCheck, stringOfAtMost } from '@travel-time-tracker/core/segment';
import { DEVICE_LIMITS, DeviceDocSchema, PROFILE_LIMITS, ProfileEditableSchema, DEFAULT_NOTIFICATION_SETTINGS } from '../../functions/src/model/documents';

/** 1 code point, 2 UTF-16 code units. */
const EMOJI = '\u{1F600}';

describe('stringOfAtMost counts UTF-16 code units', () => {
  test.each([
    { s: 'x'.repeat(10), ok: true },
    { s: 'x'.repeat(11), ok: false },
    { s: EMOJI.repeat(5), ok: true },
    { s: EMOJI.repeat(6), ok: false }, // 6 code points, 12 code units
    { s: 'x'.repeat(9) + EMOJI, ok: false }, // 10 code points, 11 code units
    { s: 'é'.repeat(10), ok: true }, // one code unit each
    { s: '', ok: true },
  ])('at most 10: $s.length code units -> $ok', ({ s, ok }) => {
    expect(stringOfAtMost(10).safeParse(s).success).toBe(ok);
  });

  test('the refusal is a sentence naming the limit', () => {
    const r = stringOfAtMost(10).safeParse(EMOJI.repeat(6));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('must be at most 10 characters long (an emoji counts as 2)');
  });
});

describe('every client-writable string limit is in code units', () => {
  const segment = { id: 'a', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2024-05-01', arrivalDate: '2024-05-01', mode: 'flight' };
  test.each([
    { field: 'notes', max: SEGMENT_LIMITS.notes },
    { field: 'flightNumber', max: SEGMENT_LIMITS.flightNumber },
  ])('segment $field: $max code units pass, one emoji more fails, and the engine fast path agrees', ({ field, max }) => {
    const fits = { ...segment, [field]: EMOJI.repeat(max / 2) };
    const over = { ...segment, [field]: EMOJI.repeat(max / 2 + 1) };
    expect(IdentifiedSegmentSchema.safeParse(fits).success).toBe(true);
    expect(IdentifiedSegmentSchema.safeParse(over).success).toBe(false);
    expect(quickSegmentCheck(fits)).toBe(true);
    expect(quickSegmentCheck(over)).toBe(false);
  });

  const profile = { displayName: null, nationalities: [], homeCountry: null, timeZone: 'UTC', notifications: DEFAULT_NOTIFICATION_SETTINGS };
  test.each([
    { field: 'displayName', max: PROFILE_LIMITS.displayName },
    { field: 'timeZone', max: PROFILE_LIMITS.timeZone },
  ])('profile $field: $max code units pass, one emoji more fails', ({ field, max }) => {
    expect(ProfileEditableSchema.safeParse({ ...profile, [field]: EMOJI.repeat(max / 2) }).success).toBe(true);
    expect(ProfileEditableSchema.safeParse({ ...profile, [field]: EMOJI.repeat(max / 2 + 1) }).success).toBe(false);
  });

  const device = { fcmToken: 't', platform: 'ios', appVersion: '1', lastSeenAt: new Date() };
  test.each([
    { field: 'fcmToken', max: DEVICE_LIMITS.fcmToken },
    { field: 'appVersion', max: DEVICE_LIMITS.appVersion },
  ])('device $field: $max code units pass, one emoji more fails', ({ field, max }) => {
    expect(DeviceDocSchema.safeParse({ ...device, [field]: EMOJI.repeat(max / 2) }).success).toBe(true);
    expect(DeviceDocSchema.safeParse({ ...device, [field]: EMOJI.repeat(max / 2 + 1) }).success).toBe(false);
  });
});
