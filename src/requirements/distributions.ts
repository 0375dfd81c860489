/**
 * Import name -> PyPI distribution. Keys are dotted module prefixes; the longest matching prefix
 * wins, so `google.protobuf` maps to protobuf while `google.cloud.storage` could map elsewhere.
 * Entries whose distribution has the same name as the import are listed too: they mark the name
 * as known (not "unmapped, verify").
 */
export const DISTRIBUTIONS: Readonly<Record<string, string>> = {
  accelerate: "accelerate",
  aiofiles: "aiofiles",
  aiohttp: "aiohttp",
  apscheduler: "APScheduler",
  asyncpg: "asyncpg",
  attr: "attrs",
  attrs: "attrs",
  bcrypt: "bcrypt",
  bitsandbytes: "bitsandbytes",
  boto3: "boto3",
  bs4: "beautifulsoup4",
  chromadb: "chromadb",
  click: "click",
  cpuinfo: "py-cpuinfo",
  cryptography: "cryptography",
  ctranslate2: "ctranslate2",
  cv2: "opencv-python-headless",
  datasets: "datasets",
  dateutil: "python-dateutil",
  deep_translator: "deep-translator",
  diffusers: "diffusers",
  docker: "docker",
  docx: "python-docx",
  dotenv: "python-dotenv",
  edge_tts: "edge-tts",
  einops: "einops",
  face_recognition: "face-recognition",
  fastapi: "fastapi",
  faiss: "faiss-cpu",
  fitz: "PyMuPDF",
  flask: "Flask",
  "google.protobuf": "protobuf",
  GPUtil: "GPUtil",
  grpc: "grpcio",
  gtts: "gTTS",
  h5py: "h5py",
  httpx: "httpx",
  huggingface_hub: "huggingface-hub",
  insightface: "insightface",
  jinja2: "Jinja2",
  joblib: "joblib",
  jsonschema: "jsonschema",
  jwt: "PyJWT",
  langchain: "langchain",
  langdetect: "langdetect",
  librosa: "librosa",
  llama_cpp: "llama-cpp-python",
  loguru: "loguru",
  lxml: "lxml",
  magic: "python-magic",
  markdown: "Markdown",
  matplotlib: "matplotlib",
  mediapipe: "mediapipe",
  msgpack: "msgpack",
  multipart: "python-multipart",
  nats: "nats-py",
  networkx: "networkx",
  nltk: "nltk",
  numba: "numba",
  numpy: "numpy",
  onnxruntime: "onnxruntime",
  openai: "openai",
  optimum: "optimum",
  orjson: "orjson",
  pandas: "pandas",
  peft: "peft",
  PIL: "Pillow",
  prometheus_client: "prometheus-client",
  psutil: "psutil",
  psycopg2: "psycopg2-binary",
  pyaudio: "PyAudio",
  pydantic: "pydantic",
  pydub: "pydub",
  pymongo: "pymongo",
  pynvml: "nvidia-ml-py",
  pytesseract: "pytesseract",
  pythonjsonlogger: "python-json-logger",
  pyttsx3: "pyttsx3",
  redis: "redis",
  requests: "requests",
  rich: "rich",
  safetensors: "safetensors",
  scipy: "scipy",
  sentence_transformers: "sentence-transformers",
  sentencepiece: "sentencepiece",
  serial: "pyserial",
  simplejson: "simplejson",
  six: "six",
  skimage: "scikit-image",
  sklearn: "scikit-learn",
  socketio: "python-socketio",
  sounddevice: "sounddevice",
  soundfile: "soundfile",
  spacy: "spacy",
  speech_recognition: "SpeechRecognition",
  sqlalchemy: "SQLAlchemy",
  starlette: "starlette",
  structlog: "structlog",
  sympy: "sympy",
  tenacity: "tenacity",
  tiktoken: "tiktoken",
  timm: "timm",
  tokenizers: "tokenizers",
  toml: "toml",
  tomli: "tomli",
  torch: "torch",
  torchaudio: "torchaudio",
  torchvision: "torchvision",
  tqdm: "tqdm",
  transformers: "transformers",
  TTS: "TTS",
  ujson: "ujson",
  ultralytics: "ultralytics",
  uvicorn: "uvicorn",
  vosk: "vosk",
  watchdog: "watchdog",
  webrtcvad: "webrtcvad",
  websocket: "websocket-client",
  websockets: "websockets",
  whisper: "openai-whisper",
  yaml: "PyYAML",
  zmq: "pyzmq",
};

/**
 * GPU containers need a different build of a few libraries: the default one would run on the
 * CPU only. (faiss stays faiss-cpu: the only CUDA builds on PyPI are unofficial.)
 */
export const GPU_DISTRIBUTIONS: Readonly<Record<string, string>> = {
  onnxruntime: "onnxruntime-gpu",
};

// Maps, not property lookups: a module may be called `constructor` or `toString`.
const TABLE = new Map(Object.entries(DISTRIBUTIONS));
const GPU_TABLE = new Map(Object.entries(GPU_DISTRIBUTIONS));
const KNOWN_TOP_LEVEL = new Set([...TABLE.keys()].map((key) => key.split(".")[0]!));

export function isKnownImportName(topLevel: string): boolean {
  return KNOWN_TOP_LEVEL.has(topLevel);
}

export interface Distribution {
  /** The PyPI name to install. */
  readonly name: string;
  /** False when no table entry matched and the top-level import name is used as is. */
  readonly mapped: boolean;
}

/**
 * The distribution providing a dotted third-party module (`sklearn.cluster.KMeans` -> scikit-learn).
 * `overrides` (docker_defaults.requirements.map) take part in the longest-prefix match and win
 * over the tables at the same prefix.
 */
export function distributionFor(module: string, gpu: boolean, overrides: ReadonlyMap<string, string> = new Map()): Distribution {
  const parts = module.split(".");
  for (let n = parts.length; n > 0; n--) {
    const prefix = parts.slice(0, n).join(".");
    const name = overrides.get(prefix) ?? (gpu ? GPU_TABLE.get(prefix) : undefined) ?? TABLE.get(prefix);
    if (name !== undefined) return { name, mapped: true };
  }
  return { name: parts[0]!, mapped: false };
}
