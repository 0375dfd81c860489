import { ordinal } from "../config/ordinal";

/**
 * Debian/Ubuntu packages a Python library needs at run time (or to build, when PyPI has no
 * wheel for it). The names exist in both bases the images use: Debian bookworm
 * (python:3.11-slim) and Ubuntu 22.04 (the CUDA image). Keyed by top-level import name.
 */
export const SYSTEM_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  // OpenCV's wheels link libGL and glib even in the headless build.
  cv2: ["libgl1", "libglib2.0-0"],
  // face_recognition needs dlib, which has no wheels and compiles with CMake (it reads images with Pillow, not OpenCV).
  face_recognition: ["build-essential", "cmake"],
  // insightface ships only a source distribution (a C++ extension) and uses OpenCV.
  insightface: ["build-essential", "libgl1", "libglib2.0-0"],
  librosa: ["ffmpeg", "libsndfile1"],
  // llama-cpp-python compiles llama.cpp from source unless a prebuilt wheel index is used.
  llama_cpp: ["build-essential", "cmake"],
  mediapipe: ["libgl1", "libglib2.0-0"],
  // PyAudio has no Linux wheels: it builds against the PortAudio headers.
  pyaudio: ["build-essential", "portaudio19-dev"],
  pydub: ["ffmpeg"],
  pytesseract: ["tesseract-ocr"],
  pyttsx3: ["espeak-ng"],
  sounddevice: ["libportaudio2"],
  soundfile: ["libsndfile1"],
  // Coqui TTS phonemizes with espeak-ng for most models and decodes audio through ffmpeg.
  TTS: ["espeak-ng", "ffmpeg"],
  webrtcvad: ["build-essential"],
  // Whisper shells out to the ffmpeg binary to decode audio.
  whisper: ["ffmpeg"],
};

/**
 * Sound clients of a group with audio agents (present in bookworm and jammy): ALSA, its PulseAudio
 * plugin (the `pulse` PCM, which reaches WSLg's server named by PULSE_SERVER) and libpulse.
 */
export const AUDIO_CLIENT_PACKAGES: readonly string[] = ["libasound2", "libasound2-plugins", "libpulse0"];

const TABLE = new Map(Object.entries(SYSTEM_PACKAGES));

/** The apt packages a set of third-party modules needs, sorted and without repeats. */
export function systemPackagesFor(modules: Iterable<string>): string[] {
  const packages = new Set<string>();
  for (const module of modules) {
    for (const name of TABLE.get(module.split(".")[0]!) ?? []) packages.add(name);
  }
  return [...packages].sort(ordinal);
}
