package loadtest

import "testing"

func TestOpenFilesNeeded(t *testing.T) {
	for _, tt := range []struct {
		name string
		o    Options
		want uint64
	}{
		{"in-process: both ends and the idle sessions' server ends", Options{Trainees: 1000, Idle: 500}, 2756},
		{"in-process with drivers: the server's ends", Options{Trainees: 1000, Idle: 500, Drivers: 4}, 1756},
		{"child: the trainees here, the server there", Options{Child: true, Trainees: 10000}, 10256},
		{"child with drivers: the server's process", Options{Child: true, Trainees: 10000, Drivers: 2}, 10256},
		{"url with drivers: a driver's share", Options{URLs: []string{"u"}, Trainees: 30000, Drivers: 4}, 7756},
		{"find-max: its limit", Options{Child: true, Trainees: 10, FindMax: true, FindMaxLimit: 4000}, 4256},
	} {
		if got := openFilesNeeded(tt.o); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}
