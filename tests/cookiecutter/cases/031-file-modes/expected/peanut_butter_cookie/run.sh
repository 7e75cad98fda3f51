#!/bin/sh
echo peanut_butter_cookie
