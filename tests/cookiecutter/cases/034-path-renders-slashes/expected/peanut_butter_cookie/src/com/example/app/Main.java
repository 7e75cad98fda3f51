package com.example.app;
