//go:build !linux

package ffmpeg

import "syscall"

func childAttr() *syscall.SysProcAttr { return nil }
