import * as fs from "fs";
import * as path from "path";
import { AgentSpec } from "../config/effectiveConfig";
import { ImportScanner } from "./importScanner";
import { ModuleResolver } from "./moduleResolver";

/**
 * Top-level imports that open the host's microphone or speakers (PortAudio, ALSA, PulseAudio,
 * SDL or an OS speech engine), as opposed to libraries that only read or write audio files
 * (soundfile, librosa, torchaudio, pydub). `speech_recognition` records through PyAudio
 * (its `Microphone` class); `pvporcupine` wake-word engines are fed by `pvrecorder`.
 */
export const SOUND_LIBRARIES: ReadonlySet<string> = new Set([
  "alsaaudio",
  "playsound",
  "pulsectl",
  "pvrecorder",
  "pyaudio",
  "pygame",
  "pyttsx3",
  "simpleaudio",
  "sounddevice",
  "speech_recognition",
]);

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The agents whose script, or a monorepo module it reaches, imports a sound library (also as an
 * ImportError fallback: the agent still tries the device). Agents without a script on disk (the
 * bundled configuration has no code) need `audio: true` on their group instead.
 */
export function soundAgents(configRoot: string, agents: readonly AgentSpec[], scanner?: ImportScanner): Set<string> {
  const found = new Set<string>();
  const present = agents.filter((a) => a.scriptPath.endsWith(".py") && isFile(path.join(configRoot, a.scriptPath)));
  if (present.length === 0) return found;
  // One scanner: files shared between agents are parsed once. The plan passes the scanner over
  // its own parsed files, so the preflight that follows parses nothing again.
  scanner ??= new ImportScanner(new ModuleResolver(configRoot));
  for (const agent of present) {
    const scan = scanner.scan([{ name: agent.name, scriptPath: agent.scriptPath, source: agent.source }]);
    if ([...scan.thirdParty.keys()].some((m) => SOUND_LIBRARIES.has(m.split(".")[0]!))) found.add(agent.name);
  }
  return found;
}
