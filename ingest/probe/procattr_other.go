//go:build !linux

package probe

import "syscall"

func childAttr() *syscall.SysProcAttr { return nil }
