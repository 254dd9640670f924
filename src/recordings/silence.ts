// Silent audio in Twilio's recording format (MP3, 32 kbit/s): what the phone
// simulator's "caller" says, and the demo clinic's voicemails, so a player has
// something real to play. MPEG-1 Layer III at 44.1 kHz: 38.28 frames a second, each
// a 4-byte header and a zeroed body (no main data decodes as silence).
const FRAME = Buffer.concat([Buffer.from([0xff, 0xfb, 0x10, 0x64]), Buffer.alloc(100)]);

/** `seconds` of silence as MP3 (at least one frame). */
export function silentMp3(seconds: number): Buffer {
  return Buffer.concat(Array.from({ length: Math.max(1, Math.round(seconds * 38.28)) }, () => FRAME));
}
