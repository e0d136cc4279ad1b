package pluginprocess

import (
	"maps"
	"testing"
)

func TestQuietLogLevels(t *testing.T) {
	allOff := map[string]string{
		"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_DEVPORTAL": "OFF",
	}
	tests := []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"nothing asked", nil, allOff},
		{"TF_LOG empty", map[string]string{"TF_LOG": " "}, allOff},
		{"TF_LOG off", map[string]string{"TF_LOG": "off"}, allOff},
		{"TF_LOG trace", map[string]string{"TF_LOG": "TRACE"}, nil},
		{"TF_LOG json", map[string]string{"TF_LOG": "JSON"}, nil},
		{"TF_LOG an unknown level, which Terraform reads as TRACE", map[string]string{"TF_LOG": "verbose"}, nil},
		{"TF_LOG_PROVIDER debug", map[string]string{"TF_LOG_PROVIDER": "debug"}, nil},
		{"TF_LOG_PROVIDER off wins over TF_LOG", map[string]string{"TF_LOG_PROVIDER": "OFF", "TF_LOG": "TRACE"}, allOff},
		{"TF_LOG_PROVIDER wins over TF_LOG off", map[string]string{"TF_LOG_PROVIDER": "INFO", "TF_LOG": "OFF"}, nil},
		{"TF_LOG_CORE alone shows no provider lines", map[string]string{"TF_LOG_CORE": "TRACE"}, allOff},
		{
			"a level the user set stays",
			map[string]string{"TF_LOG_SDK_FRAMEWORK": "TRACE", "TF_LOG_PROVIDER_DEVPORTAL": ""},
			map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := func(name string) (string, bool) {
				v, ok := tt.env[name]
				return v, ok
			}
			got := quietLogLevels(lookup)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("quietLogLevels(%v) = %v, want %v", tt.env, got, tt.want)
			}
		})
	}
}
