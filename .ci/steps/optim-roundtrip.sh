#!/usr/bin/env bash
# Extra CI check (issue #12): PyTorch resumes training from TorchModel's (C#) training checkpoints. C# trains N steps per
# optimizer case and writes TrainingCheckpoint.Save(...) plus its own N+M result; Python loads model and optimizer with
# the usual torch.load / load_state_dict lines, compares param_groups (lr, weight decay, betas, ...), trains M steps and
# compares with C#'s N+M result (tests/TorchModel.Tests/Golden/check_optim.py). Runs after .ci/run's build. Without
# Debian's python3-torch it says so and passes: the C# tests read the same files back with the C# reader.
set -euo pipefail
cd "$(dirname "$0")/../.."

export_dir="$(mktemp -d)"
trap 'rm -rf "$export_dir"' EXIT

TORCHMODEL_OPTIM_EXPORT="$export_dir" dotnet test tests/TorchModel.Tests --no-build \
  --filter "FullyQualifiedName~TorchModel.Tests.Optim.TrainingCheckpointTests.PyTorch_ResumesCSharpCheckpoints" >/dev/null

if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "optim-roundtrip: /usr/bin/python3 has no torch; C#-written checkpoints were checked by the C# reader only"
  exit 0
fi
/usr/bin/python3 tests/TorchModel.Tests/Golden/check_optim.py "$export_dir" tests/TorchModel.Tests/Golden/optim.json
