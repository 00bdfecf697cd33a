# Reproduce `sigmoid predict` with numpy and safetensors only.
# Usage: python3 predict_numpy.py MODEL.safetensors DATA.csv  (prints one probability a row)
import json
import sys

import numpy as np
from safetensors import safe_open

model_path, csv_path = sys.argv[1], sys.argv[2]
with safe_open(model_path, framework="np") as f:
    meta = f.metadata()
    tensors = {name: f.get_tensor(name) for name in f.keys()}
arch = json.loads(meta["sigmoid_nn.architecture"])
features = json.loads(meta["sigmoid.features"])      # the input order
scaler = json.loads(meta["sigmoid.standardizer"])    # population std; 1 for constant columns

with open(csv_path) as f:
    header = f.readline().strip().split(",")
columns = [header.index(name) for name in features]  # by name, in any order
x = np.loadtxt(csv_path, delimiter=",", skiprows=1, usecols=columns, ndmin=2, dtype=np.float32)
x = (x - np.float32(scaler["mean"])) / np.float32(scaler["std"])

activations = {
    "linear": lambda z: z,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "hard_sigmoid": lambda z: np.clip((z + 3) / 6, 0, 1),
    "silu": lambda z: z / (1 + np.exp(-z)),
    "softplus": lambda z: np.logaddexp(0, z),
}
for i, layer in enumerate(arch["layers"]):
    kernel = tensors[f"layers.{i}.kernel"]  # [inputs, units]: x @ kernel, no transpose
    bias = tensors[f"layers.{i}.bias"]      # [units]
    x = activations[layer["activation"]](x @ kernel + bias)
for p in x[:, 0]:
    print(repr(float(p)))
