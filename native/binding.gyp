{
  "targets": [
    {
      "target_name": "cpud_native",
      "sources": ["src/cpud_native.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"]
    },
    {
      "target_name": "cpud-exec",
      "type": "executable",
      "sources": ["src/cpud_exec.c"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra"],
      "ldflags": ["-s"]
    }
  ]
}
