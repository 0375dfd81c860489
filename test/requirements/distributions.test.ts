import * as assert from "assert";
import { DISTRIBUTIONS, distributionFor, GPU_DISTRIBUTIONS, isKnownImportName } from "../../src/requirements/distributions";
import { PYTHON_STDLIB_MODULES } from "../../src/requirements/pythonStdlib";
import { systemPackagesFor, SYSTEM_PACKAGES } from "../../src/requirements/systemPackages";

describe("import name to distribution", () => {
  it("maps the names whose distribution is called differently", () => {
    const cases: [string, string][] = [
      ["cv2", "opencv-python-headless"],
      ["zmq", "pyzmq"],
      ["yaml", "PyYAML"],
      ["PIL", "Pillow"],
      ["sklearn", "scikit-learn"],
      ["dotenv", "python-dotenv"],
      ["bs4", "beautifulsoup4"],
      ["google.protobuf", "protobuf"],
      ["nats", "nats-py"],
      ["speech_recognition", "SpeechRecognition"],
      ["pyaudio", "PyAudio"],
      ["whisper", "openai-whisper"],
      ["sentence_transformers", "sentence-transformers"],
      ["faiss", "faiss-cpu"],
      ["pynvml", "nvidia-ml-py"],
      ["prometheus_client", "prometheus-client"],
      ["llama_cpp", "llama-cpp-python"],
      ["face_recognition", "face-recognition"],
    ];
    assert.deepStrictEqual(
      cases.map(([module]) => [module, distributionFor(module, false).name]),
      cases,
    );
  });

  it("knows the names that install as themselves", () => {
    const same = ["redis", "torch", "sounddevice", "soundfile", "TTS", "transformers", "msgpack", "psutil", "GPUtil", "fastapi", "uvicorn", "aiohttp", "requests", "numpy", "pandas", "scipy", "ctranslate2", "sentencepiece", "langdetect", "nltk", "spacy", "insightface", "onnxruntime"];
    assert.deepStrictEqual(same.map((m) => distributionFor(m, false)), same.map((name) => ({ name, mapped: true })));
  });

  it("matches the longest dotted prefix and falls back to the top-level name, marked unmapped", () => {
    assert.deepStrictEqual(distributionFor("google.protobuf.text_format", false), { name: "protobuf", mapped: true });
    assert.deepStrictEqual(distributionFor("sklearn.cluster.KMeans", false), { name: "scikit-learn", mapped: true });
    assert.deepStrictEqual(distributionFor("google.cloud.storage", false), { name: "google", mapped: false });
    assert.deepStrictEqual(distributionFor("mystery_lib.sub", false), { name: "mystery_lib", mapped: false });
    // Table lookups must not reach Object.prototype.
    assert.deepStrictEqual(distributionFor("constructor", false), { name: "constructor", mapped: false });
  });

  it("picks the CUDA build for GPU containers where PyPI has one", () => {
    assert.deepStrictEqual([distributionFor("onnxruntime", true).name, distributionFor("onnxruntime", false).name], ["onnxruntime-gpu", "onnxruntime"]);
    assert.strictEqual(distributionFor("faiss", true).name, "faiss-cpu");
    assert.deepStrictEqual(Object.keys(GPU_DISTRIBUTIONS), ["onnxruntime"]);
  });

  it("has only importable keys, none of them in the standard library", () => {
    for (const key of Object.keys(DISTRIBUTIONS)) {
      assert.match(key, /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, key);
      assert.ok(!PYTHON_STDLIB_MODULES.has(key.split(".")[0]!), key);
    }
    assert.deepStrictEqual([isKnownImportName("google"), isKnownImportName("cv2"), isKnownImportName("config")], [true, true, false]);
  });

  it("uses Python 3.11's real standard library list", () => {
    assert.strictEqual(PYTHON_STDLIB_MODULES.size, 305);
    for (const name of ["__future__", "asyncio", "tomllib", "zoneinfo", "distutils", "asynchat", "winreg"]) assert.ok(PYTHON_STDLIB_MODULES.has(name), name);
    for (const name of ["yaml", "numpy", "typing_extensions", "setuptools", "pip"]) assert.ok(!PYTHON_STDLIB_MODULES.has(name), name);
  });
});

describe("import name to apt packages", () => {
  it("gives audio, vision and speech libraries their system packages, sorted and without repeats", () => {
    assert.deepStrictEqual(systemPackagesFor(["soundfile", "sounddevice", "pyaudio"]), ["build-essential", "libportaudio2", "libsndfile1", "portaudio19-dev"]);
    assert.deepStrictEqual(systemPackagesFor(["cv2.dnn", "numpy"]), ["libgl1", "libglib2.0-0"]);
    assert.deepStrictEqual(systemPackagesFor(["whisper", "TTS.api"]), ["espeak-ng", "ffmpeg"]);
    assert.deepStrictEqual(systemPackagesFor(["face_recognition", "cv2", "insightface.app"]), ["build-essential", "cmake", "libgl1", "libglib2.0-0"]);
    assert.deepStrictEqual(systemPackagesFor(["zmq", "redis", "toString"]), []);
  });

  it("is keyed by import names the distribution table knows", () => {
    assert.deepStrictEqual(Object.keys(SYSTEM_PACKAGES).filter((k) => !isKnownImportName(k)), []);
  });
});
