#!/usr/bin/env bash
# Extra CI check (issue #11): torch.save files written by TorchModel (C#) are read back by real PyTorch
# (torch.load(weights_only=True)), compared with the fixtures PyTorch wrote (types, key order, values, strides, shared
# storages) and loaded into the twin Python models with load_state_dict(strict=True). Runs after .ci/run's build.
# Without Debian's python3-torch it says so and passes: the C# tests read the same files back with the C# reader.
set -euo pipefail
cd "$(dirname "$0")/../.."

export_dir="$(mktemp -d)"
trap 'rm -rf "$export_dir"' EXIT

TORCHMODEL_TORCHSAVE_EXPORT="$export_dir" dotnet test tests/TorchModel.Tests --no-build \
  --filter "FullyQualifiedName=TorchModel.Tests.Checkpoints.TorchSaveWriteTests.ReadThenSave_IsReadBackAsTheSameTree_HereAndByPyTorch" >/dev/null

fixtures=tests/TorchModel.Tests/Fixtures/checkpoints
args=()
while read -r fixture model; do
  file="$export_dir/$fixture"
  [ -s "$file" ] || { echo "torchsave-roundtrip: C# did not write $file"; exit 1; }
  args+=("$file" "$fixtures/$fixture" "$model")
done <<'LIST'
simple2.pt SimpleModel2
tied.pt TiedLM
batchnorm.pt BatchNorm
views.pt -
dtypes.pt -
train_model.pt Net:model
train_state_dict.pt Net:state_dict
train_model_state_dict.pt Net:model_state_dict
lightning.ckpt -
objects.pt -
LIST

if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "torchsave-roundtrip: /usr/bin/python3 has no torch; C#-written files were checked by the C# reader only"
  exit 0
fi
/usr/bin/python3 tests/TorchModel.Tests/Golden/check_torchsave.py "${args[@]}"
