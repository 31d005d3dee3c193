//go:build !linux

package photo

import "syscall"

func childAttr() *syscall.SysProcAttr { return nil }
