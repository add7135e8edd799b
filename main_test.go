package main

import (
	"slices"
	"testing"
)

func TestSDKLogsToSilence(t *testing.T) {
	all := []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}
	for _, tc := range []struct {
		name    string
		environ []string
		want    []string
	}{
		{"no logging asked for", []string{"HOME=/root", "PATH=/usr/bin", "TF_IN_AUTOMATION=1"}, all},
		{"empty environment", nil, all},
		{"a name that only starts like TF_LOG", []string{"TF_LOGGING=1", "MY_TF_LOG=DEBUG"}, all},
		{"TF_LOG", []string{"TF_LOG=DEBUG"}, nil},
		{"TF_LOG empty", []string{"TF_LOG="}, nil},
		{"TF_LOG_PROVIDER", []string{"PATH=/usr/bin", "TF_LOG_PROVIDER=TRACE"}, nil},
		{"a level of the SDK's own", []string{"TF_LOG_SDK_FRAMEWORK=DEBUG"}, nil},
		{"TF_LOG_PATH", []string{"TF_LOG_PATH=/tmp/tf.log"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sdkLogsToSilence(tc.environ); !slices.Equal(got, tc.want) {
				t.Errorf("sdkLogsToSilence(%q) = %q, want %q", tc.environ, got, tc.want)
			}
		})
	}
}
