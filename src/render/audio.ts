import { audioException, HostPlatform, isDockerDesktop, LINUX_AUDIO_GID, LINUX_SOUND_DEVICE, PULSE_SERVER, WSLG_PULSE_SOCKET } from "./hostPlatform";
import { EnvVar, HardeningException, MountSpec } from "./spec";

export interface AudioAccess {
  readonly devices: string[];
  readonly groupAdd: string[];
  readonly mounts: MountSpec[];
  readonly env: EnvVar[];
  readonly exceptions: HardeningException[];
}

const NONE: AudioAccess = { devices: [], groupAdd: [], mounts: [], env: [], exceptions: [] };

/**
 * The host's microphone and speakers for a group with audio agents. Native Linux: the ALSA
 * devices (/dev/snd) and the audio group that owns them. WSL 2 has no /dev/snd; WSLg runs a
 * PulseAudio server for the distribution at /mnt/wslg/PulseServer (microsoft/wslg#306), which a
 * container reaches by binding that socket and naming it in PULSE_SERVER (bigsk1/voice-chat-ai#9);
 * the image's PortAudio/ALSA clients route to it through the pulse ALSA plugin (docker/Dockerfile.*).
 */
export function renderAudio(platform: HostPlatform, audioAgents: readonly string[]): AudioAccess {
  if (audioAgents.length === 0) return NONE;
  const agents = [...audioAgents];
  const agentsEnv: EnvVar = { name: "AUDIO_AGENTS", value: agents.join(",") };
  if (isDockerDesktop(platform)) {
    return {
      devices: [],
      groupAdd: [],
      mounts: [{ type: "bind", source: WSLG_PULSE_SOCKET, target: WSLG_PULSE_SOCKET, readOnly: false }],
      env: [agentsEnv, { name: "PULSE_SERVER", value: PULSE_SERVER }],
      // A socket, not a device: CIS 5.6 holds, so no exception is needed.
      exceptions: [],
    };
  }
  return { devices: [LINUX_SOUND_DEVICE], groupAdd: [LINUX_AUDIO_GID], mounts: [], env: [agentsEnv], exceptions: [audioException(agents)] };
}
