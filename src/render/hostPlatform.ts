/**
 * What differs between the two kinds of Docker host the user runs (stack setting `hostPlatform`):
 * Docker Engine on Linux, and Docker Desktop with its WSL 2 backend on Windows (the user's pc2
 * reports kernel 6.6.87.2-microsoft-standard-WSL2, Docker 28.3.2, Compose v2.38.2-desktop.1).
 * Sources for each decision are cited where it is made.
 */
import { HardeningException } from "./spec";

export type HostPlatform = "linux" | "wsl2-docker-desktop";

export const isDockerDesktop = (platform: HostPlatform): boolean => platform === "wsl2-docker-desktop";

/**
 * The host address published ports bind to. Linux: the machine's LAN address. Docker Desktop: the
 * engine runs inside the WSL 2 VM and Docker Desktop's own Windows-side forwarder publishes the
 * port on Windows; a specific host IP is not what it binds reliably: docker/for-win#6549 (WSL 2
 * backend: `-p IP:port:port` ended up on 127.0.0.1 with another port), docker/desktop-feedback#463
 * (2026, mirrored networking: `-p <LAN IP>:53:53` reported but nothing listening on that address),
 * while the wildcard publish is reachable from another LAN machine in both NAT and mirrored mode
 * (microsoft/WSL#10494, microsoft/WSL#41284). So on Docker Desktop ports are published on 0.0.0.0
 * and the Windows firewall admits only the other host (README: "Windows hosts"), a documented
 * exception to CIS 5.14.
 */
export function publishAddress(platform: HostPlatform, lanIp: string): string {
  return isDockerDesktop(platform) ? "0.0.0.0" : lanIp;
}

/** The documented 5.14 exception of every container publishing ports on Docker Desktop. */
export function wildcardPublishException(peerIp: string): HardeningException {
  return {
    id: "5.14",
    reason:
      `Docker Desktop (WSL 2) does not reliably bind a published port to one Windows address (docker/for-win#6549, docker/desktop-feedback#463), so ports are published on 0.0.0.0; compensating control: the Windows Defender Firewall rule "ai-system" admits these ports only from the other host ${peerIp} (README, Windows hosts), and NATS and Redis refuse clients without credentials`,
  };
}

/** Where WSLg's PulseAudio server listens in every WSL 2 distribution (microsoft/wslg#306, bigsk1/voice-chat-ai#9). */
export const WSLG_PULSE_SOCKET = "/mnt/wslg/PulseServer";
/** Inside the container, the socket is bound at the same path and PULSE_SERVER names it. */
export const PULSE_SERVER = `unix:${WSLG_PULSE_SOCKET}`;
/** ALSA's device directory on native Linux. */
export const LINUX_SOUND_DEVICE = "/dev/snd";
/**
 * Group id of `audio` on Debian and Ubuntu (base-passwd's fixed gid 29), which owns /dev/snd/*; the
 * container's non-root user joins it so it may open the devices.
 */
export const LINUX_AUDIO_GID = "29";

/** Passing /dev/snd deviates from CIS 5.6 (no host device); the reason becomes a label. */
export function audioException(agents: readonly string[]): HardeningException {
  return {
    id: "5.6",
    reason: `audio for ${agents.join(", ")}: passes ${LINUX_SOUND_DEVICE} (ALSA) and joins the audio group (gid ${LINUX_AUDIO_GID}); compensating control: only the sound devices, no other /dev entry, non-root user, all capabilities dropped`,
  };
}
